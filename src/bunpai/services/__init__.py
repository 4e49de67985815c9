"""Services: the use cases the command line and the web call."""
