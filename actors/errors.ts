// The catalogue of errors a client can see. Each code is an exception shape of the ECS
// model (or a protocol-level code every AWS JSON client understands), with AWS's wording.
export class EcsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = code;
  }
}

const make = (code: string, status = 400) => (message: string) => new EcsError(code, message, status);

export const clientError = make('ClientException');
export const invalidParameter = make('InvalidParameterException');
export const clusterNotFound = (message = 'Cluster not found.') => new EcsError('ClusterNotFoundException', message);
export const limitExceeded = make('LimitExceededException');
export const resourceNotFound = make('ResourceNotFoundException');
export const clusterContainsServices = make('ClusterContainsServicesException');
export const clusterContainsTasks = make('ClusterContainsTasksException');
export const unsupportedFeature = make('UnsupportedFeatureException');
export const serializationError = make('SerializationException');
export const unknownOperation = make('UnknownOperationException');
export const serverError = make('ServerException', 500);
