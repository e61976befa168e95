"""`{% once_for row earlier %}…{% endonce_for %}`: a part of a template rendered once for each set of
values of the variables it names (and the page's language), then given from memory.

A live push renders the whole classification, and most of its rows are as they were: a row is
the same HTML as long as its values are. The markup stays in its template (the one source for
the page, htmx and the push); only its rendering is spared.

The keys are the values themselves, compared in full: numbers, strings (and whether they are
marked safe), dates, the fields of dataclasses (the standings' rows, cells, placings) and of model
instances (a skater, a distance), lists, tuples and dicts of those. Anything else is refused
(`TypeError`), as is a block whose rendering reads more than its keys hold:

- when the template is loaded, every variable inside must be one of the keys or below one
  (`row.skater.name` under `row`) or be set inside (`{% for %}`, `{% with %}`, `as`); only tags
  whose reads can be told are allowed (`if`, `for`, `with`, `translate`, `blocktranslate`,
  `spaceless`, comments, `load`, and `include` of a named template, whose nodes are checked
  the same way): a `{% url %}` or a tag of our own must be moved out of the block, its result
  given as a key;
- a model instance's key is its own fields and the related objects loaded with it: a rendering
  that loads another one (a query) fails at once.

Filters are taken to give the same output for the same input, language, time zone and
localisation: the project's and Django's do.
"""

import dataclasses
import datetime
import enum
import threading
from decimal import Decimal

from django import template
from django.core.signals import setting_changed
from django.db.models import Model
from django.template import defaulttags, loader_tags
from django.template.base import TextNode, VariableNode
from django.templatetags import i18n
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString

KEPT = 4096  # renderings kept per block: a save adds a few rows per language
ALLOWED = (
    TextNode,
    VariableNode,
    defaulttags.IfNode,
    defaulttags.ForNode,
    defaulttags.WithNode,
    defaulttags.CommentNode,
    defaulttags.SpacelessNode,
    defaulttags.LoadNode,
    loader_tags.IncludeNode,
    i18n.TranslateNode,
    i18n.BlockTranslateNode,
)
_blocks = []  # every OnceForNode, to forget their renderings when settings change (tests)


class OnceForNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, keys, nodelist, where):
        self.keys = keys  # [FilterExpression] of plain variables
        self.nodelist = nodelist
        self.where = where
        self.rendered = {}
        self.lock = threading.Lock()
        _blocks.append(self)

    def render(self, context):
        # Objects met more than once in one rendering (the distances of every row's cells)
        # are read once: kept alive with their key, so that no other object takes their id.
        seen = context.render_context.get(self)
        if seen is None:
            seen = context.render_context[self] = {}
        values = tuple(_value(expression.resolve(context), seen) for expression in self.keys)
        key = (
            translation.get_language(),
            timezone.get_current_timezone_name(),
            context.autoescape,
            context.use_l10n,
            context.use_tz,
            values,
        )
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if tuple(_value(expression.resolve(context), {}) for expression in self.keys) != values:
                raise ReadBeyondKeys(
                    f"{{% once_for %}} {self.where}: rendering it read more than its keys hold "
                    "(a related object loaded, a value changed): give what it reads as a key"
                )
            with self.lock:  # pages and pushes render in several threads
                if len(self.rendered) >= KEPT:
                    del self.rendered[next(iter(self.rendered))]  # the oldest
                self.rendered[key] = html
        return html


class ReadBeyondKeys(RuntimeError):
    """A block's rendering depended on more than its keys: kept, it could be shown stale."""


def once_for(parser, token):
    """{% once_for key1 key2 … %}…{% endonce_for %}: see the module."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% once_for %} needs the variables its block is rendered from")
    keys = [parser.compile_filter(bit) for bit in bits[1:]]
    for key in keys:
        if key.filters or not isinstance(key.var, template.Variable) or key.var.lookups is None:
            raise template.TemplateSyntaxError(f"{{% once_for %}}: {key.token!r} is not a plain variable")
    nodelist = parser.parse(("endonce_for",))
    parser.delete_first_token()
    origin = getattr(parser, "origin", None)
    where = f"in {origin.name if origin else 'a template'} (keys {' '.join(bits[1:])})"
    engine = getattr(getattr(origin, "loader", None), "engine", None) or template.Engine.get_default()
    _check(nodelist, [key.var.lookups for key in keys], _bound_names(nodelist), where, engine)
    return OnceForNode(keys, nodelist, where)


# --- the keys -------------------------------------------------------------------------------------

_PLAIN = frozenset((str, SafeString, int, bool, type(None)))
_fields = {}  # type -> the names of its fields (dataclass) or its concrete fields' attributes (model)


def key_of(value):
    """`value` as a key, as a block's keys are made (below)."""
    return _value(value, {})


def _value(value, seen):
    """`value` as a hashable key: equal keys only for values that render the same."""
    kind = type(value)
    if kind in _PLAIN:
        return (kind, value)  # the type too: 1 and True, a str and a SafeString are equal
    if kind is Decimal or kind is float:
        return (kind, str(value))  # Decimal("1.0") == Decimal("1.00"), 0.0 == -0.0
    if kind is tuple or kind is list:
        return (kind, *(_value(item, seen) for item in value))
    known = seen.get(id(value))
    if known is not None:
        return known[1]
    if dataclasses.is_dataclass(value):
        names = _fields.get(kind) or _fields.setdefault(
            kind, tuple(f.name for f in dataclasses.fields(value))
        )
        key = (kind, *(_value(getattr(value, name), seen) for name in names))
    elif isinstance(value, Model):
        names = _fields.get(kind) or _fields.setdefault(
            kind, tuple(field.attname for field in kind._meta.concrete_fields)
        )
        state = value.__dict__
        related = value._state.fields_cache
        key = (
            kind,
            *(_value(state.get(name), seen) for name in names),
            *((name, _value(related[name], seen)) for name in sorted(related)),
        )
    elif kind is dict:
        key = (kind, *((_value(k, seen), _value(v, seen)) for k, v in value.items()))
    elif kind in (datetime.date, datetime.datetime, datetime.time):
        key = (kind, value.isoformat())
    elif kind is datetime.timedelta:
        key = (kind, value)
    elif isinstance(value, enum.Enum):
        key = (kind, _value(value.value, seen))
    elif isinstance(value, Promise):  # a lazy translation: the language is in the key
        key = (kind, str(value))
    elif kind is frozenset or kind is set:
        key = (kind, frozenset(_value(item, seen) for item in value))
    else:
        raise TypeError(f"{{% once_for %}} cannot key on a {kind.__name__}")
    seen[id(value)] = (value, key)
    return key


@setting_changed.connect
def _forget(**kwargs):
    """Settings changed (a test's override): what was rendered may no longer be so."""
    for block in _blocks:
        with block.lock:
            block.rendered.clear()


# --- what a block reads ---------------------------------------------------------------------------


def _bound_names(nodelist):
    """Names set anywhere in the block by `as` (they stay set after the tag that sets them)."""
    names = set()
    for node in _walk(nodelist):
        asvar = getattr(node, "asvar", None)
        if asvar and isinstance(node, (i18n.TranslateNode, i18n.BlockTranslateNode)):
            names.add(asvar)
    return names


def _walk(nodelist):
    for node in nodelist:
        yield node
        for attribute in getattr(node, "child_nodelists", ()):
            yield from _walk(getattr(node, attribute, None) or ())


def _check(nodelist, keys, local, where, engine):
    """Every variable the nodes read is a key, below one, or set inside (`local`)."""
    for node in nodelist:
        if isinstance(node, OnceForNode):
            _check(node.nodelist, keys, local, where, engine)
            continue
        if isinstance(node, loader_tags.IncludeNode) and isinstance(node.template.var, str):
            for expression in node.extra_context.values():
                _check_expression(expression, keys, local, where)
            # Given the context (unless `only`) and its `with` names.
            included = engine.get_template(node.template.var).nodelist
            outer = ([], set()) if node.isolated_context else (keys, local)
            inner = outer[1] | set(node.extra_context) | _bound_names(included)
            _check(included, outer[0], inner, where, engine)
            continue
        if not isinstance(node, ALLOWED) or isinstance(node, loader_tags.IncludeNode):
            tag = getattr(node, "token", None)
            raise template.TemplateSyntaxError(
                f"{{% once_for %}} {where}: cannot tell what {tag.contents if tag else type(node).__name__!r} "
                "reads: move it out of the block and give its result as a key"
            )
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression, keys, local, where)
        elif isinstance(node, defaulttags.IfNode):
            for condition, branch in node.conditions_nodelists:
                _check_condition(condition, keys, local, where)
                _check(branch, keys, local, where, engine)
        elif isinstance(node, defaulttags.ForNode):
            _check_expression(node.sequence, keys, local, where)
            inner = local | set(node.loopvars) | {"forloop"}
            _check(node.nodelist_loop, keys, inner, where, engine)
            _check(node.nodelist_empty, keys, local, where, engine)
        elif isinstance(node, defaulttags.WithNode):
            for expression in node.extra_context.values():
                _check_expression(expression, keys, local, where)
            _check(node.nodelist, keys, local | set(node.extra_context), where, engine)
        elif isinstance(node, i18n.TranslateNode):
            for expression in (node.filter_expression, node.message_context):
                if expression is not None:
                    _check_expression(expression, keys, local, where)
        elif isinstance(node, i18n.BlockTranslateNode):
            for expression in (*node.extra_context.values(), node.counter, node.message_context):
                if expression is not None:
                    _check_expression(expression, keys, local, where)
            inner = local | set(node.extra_context) | ({node.countervar} if node.countervar else set())
            for token in (*node.singular, *(node.plural or ())):
                if token.token_type == template.base.TokenType.VAR:
                    _check_lookups(tuple(token.contents.split(".")), keys, inner, where)
        elif isinstance(node, defaulttags.SpacelessNode):
            _check(node.nodelist, keys, local, where, engine)


def _check_condition(condition, keys, local, where):
    if condition is None:
        return
    if isinstance(condition, defaulttags.TemplateLiteral):
        _check_expression(condition.value, keys, local, where)
        return
    _check_condition(condition.first, keys, local, where)
    _check_condition(condition.second, keys, local, where)


def _check_expression(expression, keys, local, where):
    if isinstance(expression.var, template.Variable) and expression.var.lookups is not None:
        _check_lookups(expression.var.lookups, keys, local, where)
    for _, arguments in expression.filters:
        for is_variable, argument in arguments:
            if is_variable and argument.lookups is not None:
                _check_lookups(argument.lookups, keys, local, where)


BUILTINS = frozenset(("True", "False", "None"))  # every Context holds them


def _check_lookups(lookups, keys, local, where):
    if lookups[0] in local or lookups[0] in BUILTINS or any(lookups[: len(key)] == key for key in keys):
        return
    raise template.TemplateSyntaxError(
        f"{{% once_for %}} {where}: the block reads {'.'.join(lookups)!r}, which is not one of its keys"
    )
