"""Administrators for the ILR page tests, besides the shared cast: both see North."""

from tests.factories import AdminFactory

ILR_MANAGER_ROLES = ["Standard administrator", "Manage ILRs"]


def make_ilr_manager(tree):
    """Manage ILRs without ILR QA (and without the sensitive-data role)."""
    return AdminFactory(
        first_name="Ed", last_name="Editor", groups=[tree["north"]], roles=ILR_MANAGER_ROLES
    )


def make_qa(tree):
    """Manage ILRs and ILR QA."""
    return AdminFactory(
        first_name="Quinn",
        last_name="Checker",
        groups=[tree["north"]],
        roles=[*ILR_MANAGER_ROLES, "ILR QA"],
    )


def form_data(response) -> dict:
    """What a browser would post from the page's main form, unchanged (the biggest form)."""
    from lxml import html

    document = html.fromstring(response.content.decode())
    form = max(document.forms, key=lambda f: len(f.inputs))
    data = {}
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = [o for o in element.findall(".//option") if o.get("selected") is not None]
            options = chosen or element.findall(".//option")[:1]
            data[name] = options[0].get("value", options[0].text or "") if options else ""
        elif element.tag == "textarea":
            data[name] = element.text or ""
        elif element.get("type") in ("checkbox", "radio"):
            if element.get("checked") is not None:
                data[name] = element.get("value", "on")
        elif element.get("type") not in ("submit", "button"):
            data[name] = element.get("value", "")
    return data
