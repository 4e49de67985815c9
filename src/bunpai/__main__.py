from bunpai.cli.main import main

raise SystemExit(main())
