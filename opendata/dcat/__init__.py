"""The catalogue in DCAT-AP.de for harvesting portals (GovData, data.europa.eu): the graph of the
published datasets (`graph`) and its Turtle, RDF/XML and JSON-LD documents (`views`)."""
