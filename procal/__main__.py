from procal.cli import main

main()
