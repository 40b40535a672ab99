from ftreport.cli import main
main()
