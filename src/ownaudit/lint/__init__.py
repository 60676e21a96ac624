"""``ownaudit lint``: find the SQL in a hub repository and report what the hub may not do.

Pipeline, one module per job: ``engine`` (files in scope -> findings) uses
``sqlsplit`` (statements of .sql text), ``templates`` (Jinja/dbt),
``extract_python`` (``ast``) / ``extract_js`` (tree-sitter): SQL in literals and
the writes of the ORMs, builders and DSLs described in ``frameworks``, with
``resolve`` following imports and ``routines`` called procedures;
``analyze`` + ``commandforms`` + ``bodies`` + ``pgparse`` (statement ->
``operations``), ``possible`` (what a run-time name can denote),
``names`` (folding, search_path), ``check`` (operations -> findings under the
policy), ``credentials``, ``suppress``, ``positions``; ``rules`` holds the
LNT rule catalogue, ``hub`` and ``policycache`` serve the command line.
"""
