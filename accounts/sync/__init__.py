"""The directory sync: reads the company directory (LDAP or an HR CSV export) into the portal's
directorates, entities and contacts. `engine.run_sync` is the one entry point."""
