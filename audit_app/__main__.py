from audit_app.cli import main

raise SystemExit(main())
