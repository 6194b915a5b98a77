"""Charts of a table's numeric columns (being written)."""


def table_chart(resource, version, table, params):
    return None
