from hexopt.cli import main

main()
