import uuid

from .audit import request_id_var


class RequestContextMiddleware:
    """Gives every request an id that its change records carry, so one action's rows belong together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = str(uuid.uuid4())
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response
