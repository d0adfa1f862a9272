"""builddoctor: one target for every layer of a native Python extension build."""
__version__ = "0.1.0"
