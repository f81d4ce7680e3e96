from driftcheck.entry import main

main()
