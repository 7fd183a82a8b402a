const port: number = "8080";
export default port;
