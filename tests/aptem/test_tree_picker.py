"""aptem's tree_checkboxes tag: nested checkboxes for the nodes of a materialised-path tree."""

from types import SimpleNamespace

from django import forms

from aptem.templatetags.tree_picker import tree_checkboxes


def node(pk: int, path: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, path=path, name=name)


NODES = [
    node(1, "0001", "Regions"),
    node(2, "00010001", "North <b>"),
    node(3, "000100010001", "Leeds"),
    # Its parent (00010002) is not among the nodes: it nests under Regions, the closest shown.
    node(4, "0001000200010001", "Hull cohort"),
    node(5, "0002", "Contracts"),
]


class PickForm(forms.Form):
    groups = forms.MultipleChoiceField(choices=[(n.pk, n.name) for n in NODES])


def test_nodes_nest_under_the_closest_shown_ancestor_with_names_escaped_and_choices_ticked():
    html = str(tree_checkboxes(PickForm({"groups": ["3", "5"]})["groups"], NODES))

    def box(pk: int, index: int, name: str, checked: bool = False) -> str:
        return (
            f'<div class="form-check"><input type="checkbox" name="groups" value="{pk}" '
            f'class="form-check-input" id="id_groups_{index}"{" checked" if checked else ""}>'
            f'<label class="form-check-label" for="id_groups_{index}">{name}</label></div>'
        )

    ul, li = '<ul class="tree-picker-list">', "<li data-tree-node>"
    assert html == (
        f"{ul}{li}{box(1, 0, 'Regions')}"
        f"{ul}{li}{box(2, 1, 'North &lt;b&gt;')}{ul}{li}{box(3, 2, 'Leeds', True)}</li></ul></li>"
        f"{li}{box(4, 3, 'Hull cohort')}</li></ul></li>"
        f"{li}{box(5, 4, 'Contracts', True)}</li></ul>"
    )


def test_no_nodes_draw_an_empty_list():
    assert str(tree_checkboxes(PickForm()["groups"], [])) == '<ul class="tree-picker-list"></ul>'
