KWSListen.main()
