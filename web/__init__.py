"""procal's web app: the procurement calculator, one plan's outputs, the JSON API, the province
dashboard and the phone feeds, from one ASGI server (Starlette + Jinja2, run by uvicorn).

It sits beside ``procal`` in the outermost layer: it uses the engine and the adapters; nothing
but the ``procal web`` / ``procal serve`` commands imports it. See docs/web.md.
"""

from web.app import WebConfig, create_app

__all__ = ["create_app", "WebConfig"]
