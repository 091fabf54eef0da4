"""The data set a database was used with, recorded and checked when the service starts."""
