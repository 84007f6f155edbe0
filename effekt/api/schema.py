"""Additions to the generated OpenAPI schema (loaded by the app's ready())."""

from drf_spectacular.authentication import TokenScheme


class AdministratorTokenScheme(TokenScheme):
    """DRF's token authentication, documented with where tokens come from."""

    priority = 1

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "Send `Authorization: Token <key>`. An administrator creates the token of a user in "
            "the admin (Auth Token → Tokens); the API acts as that user, with the same permissions "
            "as on the pages."
        )
        return definition


def inputs_are_closed(result, generator, request, public):
    """The input bodies accept their declared fields only (the API refuses any other)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Input"):
            component["additionalProperties"] = False
    return result
