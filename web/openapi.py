"""The API's OpenAPI 3.1 description (served at /api/openapi.json and shown at /api/docs)."""

from __future__ import annotations

from functools import lru_cache

_ERR = {"description": "Bad input: a Thai and an English message, and every problem found",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

_PARAMS = [
    ("method", "Method code or Thai/English name, e.g. e-bidding, วิธีเฉพาะเจาะจง", True, False),
    ("budget", "Budget in baht: 1,500,000 / 1.5 ล้าน / ๑,๕๐๐,๐๐๐", True, False),
    ("start", "Project start (forward): 2022-07-20, 20/07/2565, 20 ก.ค. 2565", False, False),
    ("contract_by", "Contract-signing deadline (backward: latest start)", False, False),
    ("days", "Day override CODE=N, repeatable (never below the legal minimum)", False, True),
    ("with", "Switch an optional step on (step code), repeatable", False, True),
    ("without", "Switch an optional step off (step code), repeatable", False, True),
    ("lang", "th (default) or en", False, False),
]


@lru_cache(maxsize=1)
def spec() -> dict:
    params = []
    for name, desc, required, many in _PARAMS:
        schema: dict = {"type": "string"}
        if many:
            schema = {"type": "array", "items": {"type": "string"}}
        params.append({"name": name, "in": "query", "required": required, "description": desc,
                       "schema": schema, **({"explode": True} if many else {})})
    body_props = {name: ({"type": "array", "items": {"type": "string"}} if many
                         else {"type": "string"}) | {"description": desc}
                  for name, desc, _, many in _PARAMS}
    step = {"type": "object", "properties": {
        k: {"type": "integer"} if k in ("days", "min_days") else {"type": "string"}
        for k in ("code", "name_th", "name_en", "days", "min_days", "unit", "start", "end",
                  "legal_ref")}}
    plan = {"type": "object", "description": "Exactly what `procal plan --format json` prints",
            "properties": {"method": {"type": "string"}, "tier": {"type": "string"},
                           "budget": {"type": "string"},
                           "start": {"type": "string", "format": "date"},
                           "contract_date": {"type": "string", "format": "date"},
                           "steps": {"type": "array", "items": step}}}
    ok = {"description": "The timeline (ISO CE dates)",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plan"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "procal API", "version": "1",
                 "description": "Thai public procurement timelines (Public Procurement Act B.E. "
                                "2560 and its regulation), on Thai working days. Read-only."},
        "paths": {
            "/api/plan": {
                "get": {"summary": "Compute a procurement timeline", "parameters": params,
                        "responses": {"200": ok, "422": _ERR}},
                "post": {"summary": "The same with a JSON body of the same names",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "properties": body_props}}}},
                         "responses": {"200": ok, "422": _ERR}},
            },
            "/api/methods": {"get": {"summary": "Methods, tiers in force today and their steps "
                                                "with legal minimums",
                                     "responses": {"200": {"description": "the rulebook"}}}},
        },
        "components": {"schemas": {
            "Plan": plan,
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "status": {"type": "integer"}, "message_th": {"type": "string"},
                "message_en": {"type": "string"},
                "problems": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "message_th": {"type": "string"},
                    "message_en": {"type": "string"}}}}}}}},
        }},
    }
