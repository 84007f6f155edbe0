"""The Content-Security-Policy and the Permissions-Policy, on every response.

Django's SecurityMiddleware sets the other security headers (nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, HSTS in production) and XFrameOptionsMiddleware X-Frame-Options.
The policy is a fixed string from the settings: no page has an inline script, an event handler
attribute or a style attribute, so no nonce is needed. The one exception is the REST framework's
browsable API (/api/ in a browser), whose templates carry style attributes and a <style> element:
its pages get CONTENT_SECURITY_POLICY_BROWSABLE_API, which allows inline styles, never scripts.
"""

from django.conf import settings


def policy_header(directives: dict) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = policy_header(settings.CONTENT_SECURITY_POLICY)
        self.browsable_api_csp = policy_header(settings.CONTENT_SECURITY_POLICY_BROWSABLE_API)
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        renderer = getattr(response, "accepted_renderer", None)  # a REST framework response
        browsable = getattr(renderer, "format", None) == "api"
        csp = self.browsable_api_csp if browsable else self.csp
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
