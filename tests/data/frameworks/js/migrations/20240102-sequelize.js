"use strict";

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      "campaigns",
      {
        id: { type: Sequelize.INTEGER, primaryKey: true },
        company_id: {
          type: Sequelize.TEXT,
          references: { model: { tableName: "company_identity", schema: "cl" }, key: "id" },
          onDelete: "CASCADE",
        },
        target_id: { type: Sequelize.INTEGER, references: { model: "company_target", key: "id" } }, // own hub
      },
      { schema: "outreach" },
    );
    await queryInterface.addColumn({ tableName: "company_identity", schema: "cl" }, "outreach_flag", Sequelize.BOOLEAN);
    await queryInterface.addConstraint("people", {
      fields: ["company_id"],
      type: "foreign key",
      references: { table: "cl.company_identity", field: "id" },
      onDelete: "SET NULL",
    });
    await queryInterface.bulkInsert("cl.lifecycle_state", [{ id: 1 }]);
    await queryInterface.bulkInsert("people", [{ id: 1 }]); // own table
  },
};
