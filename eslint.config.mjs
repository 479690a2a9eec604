import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data*/**",
      "db/migrations/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  ...tseslint.configs.recommended,
  {
    plugins: { drizzle, "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // `const { password: _, ...rest } = x` is how an attribute is left out of a copy.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },
  {
    // Data flows one way: components never reach the database or the domain's writes.
    files: ["components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/db/*", "drizzle-orm", "drizzle-orm/*", "postgres", "@electric-sql/*"],
              message: "Components never touch the database: pass data from a server component.",
            },
          ],
        },
      ],
    },
  },
  {
    // The domain knows nothing of HTTP or React.
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "next",
                "next/*",
                "next-auth",
                "next-auth/*",
                "react",
                "react-dom",
                "@/app/*",
                "@/components/*",
              ],
              message: "lib/ is plain TypeScript: no Next.js, React or app imports.",
            },
          ],
        },
      ],
    },
  },
);
