"""Choropleth maps of area-keyed tables (being written)."""


def table_choropleth(resource, version, table, params):
    return None
