"""ASGI entry point: HTTP through Django, WebSockets through Channels (`daphne sprintboard.asgi:application`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintboard.settings")
django_asgi_app = get_asgi_application()

from championships.routing import websocket_application  # noqa: E402


class Application:
    """Each connection to its application by the scope's type, called rather than awaited (as
    `championships.routing.WebSocketRouter`): the connection's task runs that coroutine alone."""

    _asgi_single_callable = True  # asgiref: called as (scope, receive, send), not a factory

    def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            return websocket_application(scope, receive, send)
        return django_asgi_app(scope, receive, send)  # Django refuses any type but HTTP


application = Application()
