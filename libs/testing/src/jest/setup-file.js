// Runs in every test file before its code: Nest and MikroORM need reflect-metadata loaded first.
require('reflect-metadata');
