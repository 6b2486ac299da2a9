"""One module per panel: each owns its layout and its callbacks, and talks to the scoring service only through
the ScoringApi it is given."""
