"""The OpenAPI schema's error answers (issue 13: "every error response documented").

`document_error_responses` is a drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]):
it gives every operation the error answers every endpoint may give, in the shapes portal.core.api.exception_handler
and DRF write them, unless the operation documents its own:

- 400: a refused input, either a domain rule's {code, message, fields} or a serializer's {field: [message, …]};
- 401: no or an unknown token; 403: the role may not (or a session write without its CSRF token);
- 404: nothing at that key in the reader's scope (never revealed), or a page past the last.
"""

from typing import Any

VALIDATION_ERROR = "ValidationError"
ERROR = "Error"

SCHEMAS: dict[str, dict[str, Any]] = {
    VALIDATION_ERROR: {
        # Not typed further: a serializer's field may itself be called `code`, `message` or `fields`.
        "type": "object",
        "description": "A refused input: a domain rule's {code, message, fields}, or a serializer's "
                       "{field: [message, …]} (`non_field_errors` for the input as a whole).",
        "additionalProperties": True,
    },
    ERROR: {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}

RESPONSES: dict[str, tuple[str, str]] = {
    "400": (VALIDATION_ERROR, "The input is refused (a parameter, a field, or a rule of the domain)."),
    "401": (ERROR, "No credentials, or an unknown token."),
    "403": (ERROR, "The reader's role may not do this."),
    "404": (ERROR, "Nothing at this key in the reader's scope, or a page past the last."),
}

METHODS = ("get", "put", "patch", "post", "delete", "head", "options", "trace")


def document_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:  # noqa: ARG001
    """Add RESPONSES to every operation of `result` (the schema as a dict) that does not document that status,
    and their SCHEMAS to its components; answers `result`."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in SCHEMAS.items():
        schemas.setdefault(name, schema)
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, (name, description) in RESPONSES.items():
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                })
    return result
