export const knex = require("knex")({ client: "pg" });
