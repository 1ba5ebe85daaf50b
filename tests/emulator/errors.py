"""Google's error bodies, exactly as the real APIs shape them.

Calendar v3 (and other "discovery" APIs) answer
``{"error": {"errors": [{"domain", "reason", "message"}], "code", "message"}}``;
Sheets v4 answers Google-RPC style ``{"error": {"code", "message", "status", "details"?}}``.
The client libraries read ``errors[0].reason`` (googleapiclient's retry decision) and
``error.status`` / ``error.code`` (gspread's ``APIError``), so both shapes matter.
"""

from __future__ import annotations

import json

REASON_PHRASES = {
    200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 409: "Conflict", 410: "Gone", 412: "Precondition Failed",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable",
}

RPC_STATUS = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ALREADY_EXISTS", 410: "NOT_FOUND", 412: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE",
}


class ApiError(Exception):
    """Raised inside a handler; turned into the API's error JSON by the server."""

    def __init__(self, code: int, reason: str, message: str, *, domain: str = "global",
                 headers: dict | None = None, status: str | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain
        self.headers = dict(headers or {})
        self.status = status

    def body(self, api: str) -> dict:
        return error_body(api, self.code, self.reason, self.message, domain=self.domain,
                          status=self.status)


def error_body(api: str, code: int, reason: str, message: str, *, domain: str = "global",
               status: str | None = None) -> dict:
    if api == "sheets":
        err: dict = {"code": code, "message": message, "status": status or RPC_STATUS.get(code, "UNKNOWN")}
        if code == 429:
            err["details"] = [{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {"service": "sheets.googleapis.com",
                             "quota_metric": "sheets.googleapis.com/read_requests",
                             "quota_limit": "ReadRequestsPerMinutePerUser"},
            }]
        return {"error": err}
    err = {"errors": [{"domain": domain, "reason": reason, "message": message}],
           "code": code, "message": message}
    if code == 401:
        err["errors"][0].update({"location": "Authorization", "locationType": "header"})
        err["status"] = "UNAUTHENTICATED"
    return {"error": err}


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


# Named faults -> (status, reason, message, domain). 429 and 5xx bodies depend on the API.
NAMED_FAULTS = {
    "rateLimitExceeded": (403, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"),
    "userRateLimitExceeded": (403, "userRateLimitExceeded", "User Rate Limit Exceeded", "usageLimits"),
    "quotaExceeded": (403, "quotaExceeded", "Calendar usage limits exceeded.", "usageLimits"),
    "forbidden": (403, "forbidden", "Forbidden", "global"),
    "notFound": (404, "notFound", "Not Found", "global"),
    "unauthorized": (401, "authError", "Invalid Credentials", "global"),
}


def fault_error(api: str, fault) -> ApiError:
    """Map a fault name or HTTP status to the API-specific error."""
    if isinstance(fault, str) and fault in NAMED_FAULTS:
        code, reason, message, domain = NAMED_FAULTS[fault]
        if api == "sheets" and reason == "forbidden":
            return ApiError(403, reason, "The caller does not have permission", status="PERMISSION_DENIED")
        if api == "sheets" and reason == "notFound":
            return ApiError(404, reason, "Requested entity was not found.", status="NOT_FOUND")
        if api == "sheets" and code == 403 and reason != "forbidden":
            # Sheets reports its per-minute quota as 429 RESOURCE_EXHAUSTED; keep the 403 for
            # callers that asked for it explicitly, in Sheets' shape.
            return ApiError(code, reason, message, status="PERMISSION_DENIED")
        return ApiError(code, reason, message, domain=domain)
    code = int(fault)
    if code == 429:
        if api == "sheets":
            return ApiError(429, "rateLimitExceeded",
                            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests "
                            "per minute per user' of service 'sheets.googleapis.com' for consumer "
                            "'project_number:000000000000'.", status="RESOURCE_EXHAUSTED")
        return ApiError(429, "rateLimitExceeded", "Rate Limit Exceeded", domain="usageLimits")
    if code == 500:
        return ApiError(500, "backendError", "Backend Error")
    if code == 503:
        return ApiError(503, "backendError", "The service is currently unavailable.")
    return ApiError(code, "emulatedError", REASON_PHRASES.get(code, "Error"))
