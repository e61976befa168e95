"""The WebSocket routes: /ws/<slug>/ a championship's live feed; any other path is closed as an
unknown championship is (4404, `NoSuchFeed`); a browser from another site is refused, as channels'
`AllowedHostsOriginValidator` refuses it (Origin against ALLOWED_HOSTS).

`WebSocketRouter` chooses the consumer before any coroutine starts and returns the consumer's own:
the connection's task runs it alone. Channels' OriginValidator, URLRouter and `as_asgi` each await
the next application instead, and their coroutines, with a copy of the scope, stay for the life of
the connection (about 2 KB per spectator, bench/README.md).
"""

from urllib.parse import urlparse

from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.urls import path

from .live.consumer import ChampionshipConsumer, NoSuchFeed

websocket_urlpatterns = [
    path("ws/<slug:slug>/", ChampionshipConsumer),
]


class WebSocketRouter:
    """An ASGI application for WebSocket scopes: calling it returns the coroutine to run."""

    _asgi_single_callable = True  # asgiref: called as (scope, receive, send), not a factory

    def __init__(self, routes):
        self.routes = routes
        self.origins = AllowedHostsOriginValidator(None)  # channels' check, without its coroutine

    def __call__(self, scope, receive, send):
        try:
            allowed = self.origins.valid_origin(self.origin(scope))
        except ValueError:  # an Origin urllib cannot read ("http://[::1"): refused, not an error
            allowed = False
        if not allowed:
            return WebsocketDenier()(scope, receive, send)
        return self.consumer(scope)(scope, receive, send)

    @staticmethod
    def origin(scope):
        """The parsed Origin header (the last one), None without one: as channels' OriginValidator."""
        parsed = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                parsed = urlparse(value.decode("latin1"))
        return parsed

    def consumer(self, scope):
        """The consumer for the scope's path (as channels' URLRouter matches it), its route's
        arguments in scope["url_route"]."""
        root_path, route_path = scope.get("root_path", ""), scope["path"]
        if route_path.startswith(root_path):
            route_path = route_path[len(root_path) :].lstrip("/")
            for route in self.routes:
                match = route.pattern.match(route_path)
                if match:
                    _, args, kwargs = match
                    scope["url_route"] = {"args": args, "kwargs": {**kwargs, **route.default_args}}
                    return route.callback()
        return NoSuchFeed()


websocket_application = WebSocketRouter(websocket_urlpatterns)
