from voice_guide.cli.main import main

raise SystemExit(main())
