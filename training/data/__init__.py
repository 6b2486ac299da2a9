"""Home Credit data: the official schema, a validating loader, and the cached demo dataset."""
