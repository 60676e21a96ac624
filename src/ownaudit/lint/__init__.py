"""``ownaudit lint``: find the SQL in a hub repository and report what the hub may not do.

Pipeline, one module per job: ``engine`` (files in scope -> findings) uses
``sqlsplit`` (statements of .sql text), ``extract_python`` / ``extract_js``
(SQL in string literals), ``clientcalls`` (supabase / pandas writes),
``analyze`` + ``commandforms`` + ``bodies`` (statement -> ``operations``),
``names`` (folding, search_path), ``check`` (operations -> findings under the
policy), ``credentials``, ``suppress``, ``positions``; ``rules`` holds the
LNT rule catalogue, ``hub`` and ``policycache`` serve the command line.
"""
