"""What the project's own admin pages (pair entry, start lists, entries, withdrawal, changes) share:
the admin's header, sidebar and breadcrumbs, and a distance's page titles."""


def page_context(model_admin, request, title, **values):
    """The context of one of these pages: the admin site's, the model's options, the title."""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **values,
    }


def distance_title(distance, what):
    """ "World Sprint …: 1000 m (distance 4), pair 5": the title of a page about one distance."""
    return f"{distance.championship}: {distance.meters} m (distance {distance.order}), {what}"
