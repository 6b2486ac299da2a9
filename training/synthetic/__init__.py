"""Schema-faithful synthetic Home Credit data, calibrated on aggregate statistics of the real files."""
