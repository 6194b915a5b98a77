"""The CKAN Action API (read side) at `/api/3/action/<name>` and `/api/action/<name>`, so that
the `ckanapi` client and CKAN harvesters work with the catalogue unchanged."""
