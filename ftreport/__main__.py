"""`python -m ftreport` is the `ftreport` command."""

from ftreport.cli import main

main()
