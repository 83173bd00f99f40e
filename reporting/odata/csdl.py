"""The feed's $metadata: the CSDL (OData v4 XML) of every registered entity set."""

from __future__ import annotations

from lxml import etree

from .schema import EDM_DECIMAL, EDM_STRING, EntitySet, entity_sets

NAMESPACE = "LearnerPortal"
EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
CORE_DESCRIPTION = "Org.OData.Core.V1.Description"


def _entity_type(schema: etree._Element, entity_set: EntitySet) -> None:
    entity_type = etree.SubElement(schema, f"{{{EDM}}}EntityType", Name=entity_set.entity_type)
    key = etree.SubElement(entity_type, f"{{{EDM}}}Key")
    etree.SubElement(key, f"{{{EDM}}}PropertyRef", Name=entity_set.key)
    etree.SubElement(
        entity_type, f"{{{EDM}}}Annotation", Term=CORE_DESCRIPTION, String=entity_set.description
    )
    for column in entity_set.columns.values():
        attributes = {"Name": column.name, "Type": column.edm_type}
        # A masked special-category value is null for viewers without the permission.
        nullable = column.nullable or column.prop.sensitive
        if column is entity_set.key_column:
            nullable = False
        attributes["Nullable"] = "true" if nullable else "false"
        if column.edm_type == EDM_STRING and column.max_length:
            attributes["MaxLength"] = str(column.max_length)
        if column.edm_type == EDM_DECIMAL:
            attributes["Precision"] = str(column.precision)
            attributes["Scale"] = str(column.scale)
        prop = etree.SubElement(entity_type, f"{{{EDM}}}Property", **attributes)
        etree.SubElement(
            prop, f"{{{EDM}}}Annotation", Term=CORE_DESCRIPTION, String=column.prop.description
        )


def metadata_xml() -> bytes:
    root = etree.Element(f"{{{EDMX}}}Edmx", nsmap={"edmx": EDMX}, Version="4.0")
    reference = etree.SubElement(
        root,
        f"{{{EDMX}}}Reference",
        Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml",
    )
    etree.SubElement(reference, f"{{{EDMX}}}Include", Namespace="Org.OData.Core.V1", Alias="Core")
    services = etree.SubElement(root, f"{{{EDMX}}}DataServices")
    schema = etree.SubElement(services, f"{{{EDM}}}Schema", nsmap={None: EDM}, Namespace=NAMESPACE)
    sets = entity_sets()
    for entity_set in sets:
        _entity_type(schema, entity_set)
    container = etree.SubElement(schema, f"{{{EDM}}}EntityContainer", Name="Container")
    for entity_set in sets:
        etree.SubElement(
            container,
            f"{{{EDM}}}EntitySet",
            Name=entity_set.name,
            EntityType=f"{NAMESPACE}.{entity_set.entity_type}",
        )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
