import { DataTypes, Model, Sequelize } from "sequelize";

const sequelize = new Sequelize(process.env.DATABASE_URL!);

export class Company extends Model {}
Company.init({ id: { type: DataTypes.TEXT, primaryKey: true } }, { sequelize, tableName: "company_identity", schema: "cl" });

export class Target extends Model {}
Target.init(
  {
    id: { type: DataTypes.INTEGER, primaryKey: true },
    companyUniqueId: {
      type: DataTypes.TEXT,
      field: "company_unique_id",
      references: { model: Company, key: "company_unique_id" },
      onDelete: "RESTRICT", // declared, as declared
    },
    lifecycleId: { type: DataTypes.INTEGER, references: { model: "cl.lifecycle_state", key: "id" }, onDelete: "CASCADE" },
  },
  { sequelize, tableName: "company_target", schema: "outreach" },
);

export async function touch(): Promise<void> {
  await Company.update({ id: "x" }, { where: { id: "y" } });
  await Company.findAll(); // a read
  await Target.bulkCreate([{ id: 1 }]); // own table
  await Company.destroy({ where: { id: "z" } });
}
