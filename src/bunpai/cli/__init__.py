"""The command line `bunpai …`: thin wrappers that parse arguments, call a service and print."""
