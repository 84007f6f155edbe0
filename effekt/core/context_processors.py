from django.conf import settings


def effekt(request):
    return {"municipality_name": settings.EFFEKT_MUNICIPALITY_NAME}
