from demo.stack import main

raise SystemExit(main())
