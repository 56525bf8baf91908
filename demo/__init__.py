"""The demo (issue 17; docs/demo.md): the WordNet 3.0 mammal taxonomy learned as Gumbel boxes
(`wordnet`, `taxonomy`, `train`) and answered on the LPU beside the float model (`queries`,
`run`, `metrics`, `report`, `html`). Needs the `demo` extra (pip install -e '.[demo]');
nothing imports this package but the CLI (lpu/cmd_demo.py)."""
