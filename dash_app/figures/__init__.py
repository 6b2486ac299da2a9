"""Pure functions from domain objects to Plotly figures, each with the text alternative a screen reader reads."""
