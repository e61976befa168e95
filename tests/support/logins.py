"""Logging in to a running server's admin over real HTTP, as a browser does (CSRF cookie and
token from the login page), from a chosen loopback source address."""

import re
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOGIN = "/admin/login/"


def _request(port, method, path, source, headers, body=None):
    connection = HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path, body, {"Host": f"127.0.0.1:{port}", **headers})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    finally:
        connection.close()


def log_in(port, username, password, source="127.0.0.1", forwarded=None):
    """POST the admin's login form on 127.0.0.1:`port`, connecting from `source` (any 127.x
    address), with an X-Forwarded-For of its own when `forwarded`. Returns (status, body)."""
    extra = {"X-Forwarded-For": forwarded} if forwarded else {}
    _, headers, page = _request(port, "GET", LOGIN, source, extra)
    cookies = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookies.load(value)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, body = _request(
        port,
        "POST",
        LOGIN,
        source,
        {
            **extra,
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}",
        },
        urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        ),
    )
    return status, body
