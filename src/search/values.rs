//! Loading search values from the command line, CSV files and uploaded files.
