"""The API's Swagger UI (/api/docs/) under the portal's Content-Security-Policy (portal/settings/security.py).

drf-spectacular's default page starts Swagger UI with an inline <script> and styles itself with an inline
<style>, both of which the policy refuses. Its split view answers the start script at `?script` as a file of
its own, and templates/api/docs.html takes the style from static/css/api_docs.css; Swagger UI's bundle and CSS
are the sidecar's static files. So the page runs under the same policy as every other page: no exemption.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView

__all__ = ["ApiDocsView"]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI: the HTML, and at `?script` its start script (application/javascript), from the portal."""

    template_name = "api/docs.html"
