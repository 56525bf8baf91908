"""Front end: .slrm source (or the Python API) -> AST -> IR."""
