export * from "./errors";
export * from "./instackenv";
export * from "./load";
export * from "./schema";
export * from "./project-root";
export * from "./model";
