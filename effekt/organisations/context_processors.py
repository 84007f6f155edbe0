from effekt.organisations import access, audience


def grants(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "reads_everything": access.grants_for(user).reads_everything,
        "user_name": audience.display_name(user),
    }
