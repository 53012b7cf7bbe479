"""Transport and header security. Secure-cookie and HTTPS settings switch on with DJANGO_HTTPS=true.

Production is `portal.settings.base` with DJANGO_HTTPS=true (docker compose, README "Configuration"): with it,
`manage.py check --deploy --fail-level WARNING` is clean (tests/test_security_headers.py runs it).
"""

from csp.constants import NONE, SELF

from portal.env import env_bool, env_int

HTTPS = env_bool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
# Compose's health check asks over plain HTTP inside the container: answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# HSTS: a year, the portal's subdomains too, and "preload" (ASVS 14.4.5; browsers' preload lists want all three).
# Preloading is a promise that the domain serves HTTPS only, kept by browsers for months: a deployment whose
# domain must not be preloaded sets DJANGO_HSTS_PRELOAD=false (check --deploy then warns W021).
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Content-Security-Policy (django-csp, ASVS 14.4.3): scripts, styles, fonts and requests from the portal itself
# only. No inline script, no inline style (neither <style> nor style="": templates use classes of
# static/css/portal.css), no eval (htmx runs with allowEval false), no plugin, no framing. `data:` images are
# Bootstrap's own icons (the select arrow, the close button), drawn as data-URI SVG in its CSS. The one page
# that needs more is the API's Swagger UI (portal/core/api_docs.py says what and why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Permissions-Policy (django-permissions-policy): the portal uses no camera, microphone, location, sensors,
# payment or other powerful feature, so none is allowed, to the portal or to anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    )
}
